"""Deploy to the server: fab -H blog.example.org deploy"""

from fabric import task

CODE_DIR = "/srv/mysite"


@task
def deploy(c):
    """Pull the latest code, update the database and the static files, reload uWSGI."""
    with c.cd(CODE_DIR):
        c.run("git pull origin master")
        c.run("venv/bin/pip install -r requirements.txt")
        c.run("venv/bin/python manage.py migrate")
        c.run("venv/bin/python manage.py collectstatic --noinput")
        c.run("touch uwsgi.ini")  # uWSGI reloads when its ini file changes
