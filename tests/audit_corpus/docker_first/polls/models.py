from django.db import models
from django.utils import timezone


class Question(models.Model):
    question_text = models.CharField(max_length=200)
    pub_date = models.DateTimeField("date published")
    closes = models.DateTimeField(null=True, blank=True)
    closed = models.BooleanField(default=False)

    def is_open(self):
        return not self.closed and (self.closes is None or self.closes > timezone.now())


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE)
    choice_text = models.CharField(max_length=200)
    votes = models.IntegerField(default=0)
