"""
Django settings for the Bean Counter shop: staging, on staging.beancounter.example.

A copy of dev.py with the staging server's values. Development and production
have their own copies next to it. When you change something here, change it
there too.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/topics/settings/
"""

from pathlib import Path

# Build paths inside the project like this: BASE_DIR / "subdir".
BASE_DIR = Path(__file__).resolve().parent.parent.parent


# Staging server settings

SECRET_KEY = "hucy-*wfvjdv2nt($lw=og#fm&_eborw+a@o7=l6$-0yx$dzpn"

# Keep the debug pages on staging so testers can send us the details.
DEBUG = True

ALLOWED_HOSTS = ["staging.beancounter.example"]


# Application definition

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "store",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "shop.wsgi.application"


# Database: the staging PostgreSQL server.

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "beancounter_staging",
        "USER": "beancounter",
        "PASSWORD": "sjqpE5dNcOpdVUtdDW",
        "HOST": "10.0.2.12",
        "PORT": 5432,
    }
}


# Cache: the staging Memcached server.

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": "10.0.2.20:11211",
    }
}


# Password validation

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.NumericPasswordValidator",
    },
]


# Internationalization

LANGUAGE_CODE = "en-us"

TIME_ZONE = "UTC"

USE_I18N = True

USE_TZ = True


# Static files (CSS, JavaScript, Images)

STATIC_URL = "static/"
STATIC_ROOT = "/srv/beancounter/static"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Payments: the provider's sandbox, so testers can pay with test cards.

PAYMENT_API_URL = "https://sandbox.payments.example/v1"
PAYMENT_API_KEY = "pay_test_94WEqzBr7nFzSiezkxVwerof"


# Email: sent for real through Mailgun.

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "smtp.mailgun.example"
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_HOST_USER = "postmaster@mg.beancounter.example"
EMAIL_HOST_PASSWORD = "Tq6XhlXachGbodpKfJET"
DEFAULT_FROM_EMAIL = "Bean Counter <orders@beancounter.example>"

# Who gets the order report from cron/send_order_reports.py.
ORDER_REPORT_RECIPIENTS = ["staging@beancounter.example"]


# Logging: everything the shop logs goes to the server's log folder.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "verbose": {
            "format": "{asctime} {levelname} {name} {message}",
            "style": "{",
        },
    },
    "handlers": {
        "file": {
            "class": "logging.FileHandler",
            "filename": "/var/log/beancounter/shop.log",
            "formatter": "verbose",
            "delay": True,
        },
    },
    "loggers": {
        "store": {
            "handlers": ["file"],
            "level": "INFO",
        },
    },
}
