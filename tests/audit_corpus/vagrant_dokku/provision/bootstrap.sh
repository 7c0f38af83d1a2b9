#!/bin/bash
# Provision the development VM: the same services as production, the app's dependencies, a dev database.
set -euo pipefail

apt-get update
apt-get install -y python3-venv python3-dev postgresql-15 redis-server libpq-dev

sudo -u postgres psql -c "CREATE USER cookbook WITH PASSWORD 'cookbook' CREATEDB;" || true
sudo -u postgres createdb -O cookbook cookbook || true

python3 -m venv /home/vagrant/venv
/home/vagrant/venv/bin/pip install -r /vagrant/requirements.txt

cat > /vagrant/.env <<ENV
SECRET_KEY=vagrant-development-only
DEBUG=true
ALLOWED_HOSTS=localhost,127.0.0.1
DATABASE_URL=postgres://cookbook:cookbook@localhost:5432/cookbook
REDIS_URL=redis://localhost:6379/0
ENV

cd /vagrant && /home/vagrant/venv/bin/python manage.py migrate

echo 'alias serve="cd /vagrant && /home/vagrant/venv/bin/python manage.py runserver 0.0.0.0:8000"' >> /home/vagrant/.bashrc
echo 'alias worker="cd /vagrant && /home/vagrant/venv/bin/python manage.py rqworker default"' >> /home/vagrant/.bashrc
