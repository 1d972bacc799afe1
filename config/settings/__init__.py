"""Settings split as in cookiecutter-django: ``base`` and one module per setting."""
