from django.conf import settings


def accounts(request):
    """Whether anyone may sign up (PARALLAX_OPEN_SIGNUP): the header and the sign-in page
    offer it only then."""
    return {"open_signup": settings.PARALLAX_OPEN_SIGNUP}
