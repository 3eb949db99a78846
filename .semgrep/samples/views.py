# A deliberately bad view: the semgrep rules must flag every line below.
from django.shortcuts import get_object_or_404

from hallway.accounts.models import User


def bad_view(request, user_id):
    everyone = User.objects.all()
    person = get_object_or_404(User, pk=user_id)
    return everyone, person
