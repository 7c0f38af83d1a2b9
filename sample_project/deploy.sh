#!/bin/sh
# Deploy the latest code. Run it on the production server:
#
#     ssh beancounter.example /srv/beancounter/deploy.sh
#
set -e

cd /srv/beancounter

# Get the latest code and whatever it needs.
git pull origin main
pip install -r requirements.txt

# Update the database and the static files.
python manage.py migrate --settings=shop.settings.production
python manage.py collectstatic --noinput --settings=shop.settings.production

# Restart the server: stop the old one and start the new code.
pkill -f "manage.py runserver" || true
sleep 1
nohup bin/start-production.sh >> /var/log/beancounter/server.log 2>&1 &

echo "Deployed."
