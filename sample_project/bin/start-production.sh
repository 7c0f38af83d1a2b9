#!/bin/sh
# Start the shop on the production server, on port 8000.
cd /srv/beancounter
python manage.py runserver 0.0.0.0:8000 --settings=shop.settings.production
