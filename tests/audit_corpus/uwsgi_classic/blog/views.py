import logging

from django.shortcuts import get_object_or_404, render

from .models import Post

logger = logging.getLogger(__name__)


def post_list(request):
    return render(request, "blog/post_list.html", {"posts": Post.objects.order_by("-published")[:20]})


def post_detail(request, pk):
    post = get_object_or_404(Post, pk=pk)
    logger.info("post %s read", pk)
    return render(request, "blog/post_detail.html", {"post": post})
