from django.http import HttpResponse


def index(request):
    return HttpResponse("orders service\n", content_type="text/plain")
