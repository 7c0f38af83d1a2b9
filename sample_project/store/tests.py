import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from . import views
from .models import Order, Product

# Nothing listens on the discard port, so the payment API is "down".
UNREACHABLE_PAYMENT_API = "http://127.0.0.1:9/v1"


class LocalPaymentAPI(BaseHTTPRequestHandler):
    """A tiny payment provider on localhost that remembers what it was sent."""

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.server.received.append(
            {
                "path": self.path,
                "authorization": self.headers["Authorization"],
                "body": json.loads(self.rfile.read(length)),
            }
        )
        if self.server.refuse:
            status, answer = 402, {"error": "card_declined"}
        else:
            status, answer = 200, {"id": "ch_0001", "status": "succeeded"}
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        """Keep the test output quiet."""


class ProductPagesTests(TestCase):
    def setUp(self):
        views.VIEW_COUNTS.clear()

    def test_list_shows_the_coffees_from_the_data_migration(self):
        response = self.client.get("/")
        self.assertContains(
            response, "<title>Bean Counter — Fresh coffee beans</title>", html=True
        )
        for name in ["Colombia Huila", "Ethiopia Yirgacheffe", "Kenya Nyeri AA"]:
            self.assertContains(response, name)
        self.assertContains(response, "$14.50 a bag")
        self.assertEqual(Product.objects.count(), 5)

    def test_detail_shows_the_coffee_and_an_order_form(self):
        response = self.client.get("/beans/kenya-nyeri-aa/")
        self.assertContains(response, "<h2>Kenya Nyeri AA</h2>", html=True)
        self.assertContains(response, "$16.00 for a 250 g bag")
        self.assertContains(response, "Good with: pour-over, AeroPress, lemon cake.")
        self.assertContains(response, 'action="/beans/kenya-nyeri-aa/order/"')

    def test_detail_counts_its_views(self):
        self.client.get("/beans/colombia-huila/")
        self.client.get("/beans/colombia-huila/")
        response = self.client.get("/beans/colombia-huila/")
        self.assertContains(response, "Viewed 3 times")
        response = self.client.get("/beans/sumatra-mandheling/")
        self.assertContains(response, "Viewed 1 time<")

    def test_unknown_coffee_is_404(self):
        self.assertEqual(self.client.get("/beans/decaf-instant/").status_code, 404)
        self.assertEqual(
            self.client.post("/beans/decaf-instant/order/").status_code, 404
        )

    def test_order_page_only_takes_posts(self):
        self.assertEqual(
            self.client.get("/beans/kenya-nyeri-aa/order/").status_code, 405
        )


@override_settings(PAYMENT_API_URL=UNREACHABLE_PAYMENT_API)
class OrderFormTests(TestCase):
    def test_bad_email_and_quantity_are_shown_and_nothing_is_saved(self):
        response = self.client.post(
            "/beans/kenya-nyeri-aa/order/", {"email": "not-an-email", "quantity": "0"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a valid email address.")
        self.assertContains(
            response, "Ensure this value is greater than or equal to 1."
        )
        self.assertEqual(Order.objects.count(), 0)

    def test_too_many_bags_is_refused(self):
        response = self.client.post(
            "/beans/kenya-nyeri-aa/order/",
            {"email": "ada@example.com", "quantity": "21"},
        )
        self.assertContains(response, "Ensure this value is less than or equal to 20.")
        self.assertEqual(Order.objects.count(), 0)


class PlaceOrderTests(TestCase):
    def setUp(self):
        # A real HTTP payment provider on a free local port, for the tests that pay.
        self.server = HTTPServer(("127.0.0.1", 0), LocalPaymentAPI)
        self.server.received = []
        self.server.refuse = False
        thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.api_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        # Order ids start again in each test, so forget the previous test's orders.
        views.RECENT_ORDERS.clear()

    def order(self, quantity="2"):
        """Order some Colombia Huila and follow the redirect to the thank-you page."""
        return self.client.post(
            "/beans/colombia-huila/order/",
            {"email": "ada@example.com", "quantity": quantity},
            follow=True,
        )

    def wait_for_confirmations(self):
        """Wait for the confirmation emails sent in the background to go out."""
        for thread in threading.enumerate():
            if thread.name.startswith("confirm-order-"):
                thread.join(timeout=3)

    @override_settings(PAYMENT_API_URL=UNREACHABLE_PAYMENT_API)
    def test_order_is_saved_as_payment_failed_when_the_api_is_unreachable(self):
        with self.assertLogs("store", "INFO") as logs:
            response = self.order()
        order = Order.objects.get()
        self.assertEqual(order.status, Order.Status.PAYMENT_FAILED)
        self.assertEqual(response.status_code, 200)
        self.assertRedirects(response, reverse("store:order_done", args=[order.pk]))
        self.assertContains(response, "We could not take your payment")
        self.assertContains(response, "nothing has been charged")
        self.assertIn(
            f"INFO:store:order {order.pk} placed: 2 x colombia-huila", logs.output
        )
        self.assertTrue(
            logs.output[-1].startswith(f"WARNING:store:order {order.pk} payment failed")
        )
        self.wait_for_confirmations()
        self.assertEqual(mail.outbox, [])

    def test_order_is_paid_through_the_payment_api(self):
        with self.settings(
            PAYMENT_API_URL=self.api_url, PAYMENT_API_KEY="pay_test_from_the_tests"
        ):
            response = self.order(quantity="3")
        order = Order.objects.get()
        self.assertEqual(order.status, Order.Status.PAID)
        self.assertContains(response, "Thank you for your order!")
        self.assertContains(
            response, f"Order {order.pk}: 3 x Colombia Huila, $37.50 in total."
        )

        [request] = self.server.received
        self.assertEqual(request["path"], "/v1/charges")
        self.assertEqual(request["authorization"], "Bearer pay_test_from_the_tests")
        self.assertEqual(request["body"]["amount"], 3750)
        self.assertEqual(request["body"]["receipt_email"], "ada@example.com")

        self.wait_for_confirmations()
        [email] = mail.outbox
        self.assertEqual(email.to, ["ada@example.com"])
        self.assertIn("3 x Colombia Huila, $37.50 in total.", email.body)

    def test_order_refused_by_the_payment_api_is_payment_failed(self):
        self.server.refuse = True
        with self.settings(PAYMENT_API_URL=self.api_url):
            response = self.order()
        self.assertEqual(Order.objects.get().status, Order.Status.PAYMENT_FAILED)
        self.assertContains(response, "We could not take your payment")
        self.assertEqual(len(self.server.received), 1)

    def test_unknown_order_is_404(self):
        self.assertEqual(self.client.get("/orders/999/").status_code, 404)
