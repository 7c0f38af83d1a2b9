from django.http import HttpResponse


def index(request):
    return HttpResponse("linkbox\n", content_type="text/plain")
