from django.contrib import admin

from .models import Greeting

admin.site.register(Greeting)
