"""The product as a user installs it: a wheel in a virtual environment outside the checkout."""
