# Gunicorn configuration file.
# https://docs.gunicorn.org/en/stable/configure.html#configuration-file
# https://docs.gunicorn.org/en/stable/settings.html

# Gunicorn binds to the port in $PORT by default, and starts as many workers as
# $WEB_CONCURRENCY says (which Heroku sets from the dyno size).

# Log the requests too, to stdout.
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Heroku's router ends TLS and passes X-Forwarded-Proto.
forwarded_allow_ips = "*"
secure_scheme_headers = {"X-Forwarded-Proto": "https"}

# The router times out after 30 s; stop working on a request a little later.
timeout = 25
keepalive = 90

worker_tmp_dir = "/dev/shm"
