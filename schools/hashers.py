"""A cheaper hasher for the random first passwords the roster import generates.

Importing 2,000 pupils with Django's default PBKDF2 work factor would take many minutes. A
generated password is random (not chosen by a person, so not guessable from a word list of
human choices), and Django re-hashes it with the default hasher the first time the pupil
signs in, because this hasher is not first in PASSWORD_HASHERS.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class GeneratedPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_generated"
    iterations = 20_000
