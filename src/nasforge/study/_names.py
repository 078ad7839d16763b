"""Study names: one normal form, so that two studies never look identical.

``"s0"`` and ``"s0 "``, or ``"café"`` written with one code point (NFC) and with ``e`` plus a combining accent
(NFD), print the same but would be different keys in storage. A name is stored in its normal form: Unicode NFC,
surrounding white space stripped. Control and invisible formatting characters (newlines, escape sequences,
bidirectional overrides) are refused: they let a name rewrite the terminal or the text around it.
"""

from __future__ import annotations

import unicodedata

from nasforge.exceptions import DuplicatedStudyError, StudyNotFoundError, ValidationError
from nasforge.storages import BaseStorage

__all__ = ["check_new_name", "normalize_name", "resolve_name"]

MAX_LENGTH = 200
# Unicode categories refused in a name: control (Cc), format (Cf: bidi overrides, zero-width spaces), surrogates,
# private use, unassigned, and line / paragraph separators.
_REFUSED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiner: format characters that some scripts and emoji need


def _shown(name: str) -> str:
    """``name`` for an error message: escaped (repr) and cut to 80 characters."""
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "..."


def normalize_name(name: object, owner: str = "create_study") -> str:
    """The normal form of a study name: NFC, stripped; refuses an empty name and control characters.

    Args:
        name: the name as given.
        owner: the function or command named in the error message.

    Raises:
        ValidationError: not a string, empty once stripped, longer than 200 characters, or containing a control,
            format or separator character (newline, escape, bidirectional override ...).

    Example:
        >>> normalize_name("  cafe\\u0301 ")
        'café'
    """
    if not isinstance(name, str):
        raise ValidationError(f"The 'name' parameter of {owner} must be a string. Got {name!r:.80} instead.")
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise ValidationError(f"The 'name' parameter of {owner} must be a non-empty string. Got {_shown(name)} "
                              "instead.")
    bad = next((c for c in text if unicodedata.category(c) in _REFUSED and c not in _JOINERS), None)
    if bad is not None:
        raise ValidationError(f"The 'name' parameter of {owner} must not contain control or invisible characters "
                              f"(found U+{ord(bad):04X}). Got {_shown(name)} instead.")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"The 'name' parameter of {owner} must be at most {MAX_LENGTH} characters long. "
                              f"Got {len(text)} characters ({_shown(name)}) instead.")
    return text


def _lookalikes(storage: BaseStorage, name: str) -> list[str]:
    """Stored names whose normal form is ``name`` (``name`` itself, or names stored before normalisation)."""
    return [s.name for s in storage.list_studies() if unicodedata.normalize("NFC", s.name).strip() == name]


def check_new_name(storage: BaseStorage, name: object, owner: str = "create_study") -> str:
    """The normal form of ``name`` for a new study in ``storage``.

    Raises:
        ValidationError: the name is invalid (see :func:`normalize_name`).
        DuplicatedStudyError: a stored study has that name, or one that differs from it only by white space at
            its ends or by Unicode normalisation (the message shows both with escapes, so the difference is seen).
    """
    text = normalize_name(name, owner)
    for other in _lookalikes(storage, text):
        if other == name:
            raise DuplicatedStudyError(f"A study named {_shown(other)} already exists.")
        raise DuplicatedStudyError(f"The study name {name!a:.80} is too close to the existing study "
                                   f"{other!a:.80}: they differ only by white space at the ends or by Unicode "
                                   "normalisation. Choose another name.")
    return text


def resolve_name(storage: BaseStorage, name: str) -> str:
    """The stored name that ``name`` refers to: itself, its normal form, or the one stored study whose normal
    form equals it (studies stored before names were normalised).

    Raises:
        StudyNotFoundError: no such study (the storage's own message, naming the studies there).
    """
    try:
        storage.get_study_id(name)
        return name
    except StudyNotFoundError as exc:
        missing = exc
    text = unicodedata.normalize("NFC", name).strip()
    if text != name:
        try:
            storage.get_study_id(text)
            return text
        except StudyNotFoundError:
            pass
    matches = [m for m in _lookalikes(storage, text) if m != text]
    if len(matches) == 1:
        return matches[0]
    raise missing
