"""The categorical decisions of a space, for strategies that model each value of each decision (REINFORCE, BOHB).

Two kinds of space have them: a ``CategoricalSpace`` (cell, chain, MLP, table spaces) and a declared ``Space`` whose
decisions are Choices or Ints with at most ``MAX_CATEGORIES`` values. In a declared space a conditional decision
can be absent from an architecture; its code is then ``-1`` and the models skip it.
"""

from __future__ import annotations

from collections.abc import Sequence

from nasforge.exceptions import ValidationError
from nasforge.spaces import Architecture, CategoricalSpace, SearchSpace, Space
from nasforge.spaces._architecture import Scalar
from nasforge.spaces._decisions import tag
from nasforge.spaces._declared import MAX_CATEGORIES


def categorical_problem(space: SearchSpace) -> str | None:
    """Why ``space`` has no categorical view (one clause for an error message), or None when it has one."""
    if isinstance(space, CategoricalSpace):
        return None
    if isinstance(space, Space):
        for name in space.names():
            count = space.decision(name).n_values()
            if count is None:
                return f"the Space's decision {name!r} is a Float (a Choice or an Int of at most {MAX_CATEGORIES} " \
                       "values would do)"
            if count > MAX_CATEGORIES:
                return f"the Space's decision {name!r} has {count:,} values (at most {MAX_CATEGORIES:,})"
        return None
    return f"{type(space).__name__} is not one"


class CategoricalView:
    """Decision names, their values, value codes of an architecture, and the member a list of values gives.

    Raises:
        ValidationError: the space has no categorical view (``categorical_problem`` says why).
    """

    def __init__(self, space: SearchSpace, owner: str) -> None:
        problem = categorical_problem(space)
        if problem is not None:
            raise ValidationError(f"{owner} needs a space of categorical decisions; {problem}.")
        self.space = space
        choices = space.choices() if isinstance(space, CategoricalSpace | Space) else {}
        self.names = tuple(choices)
        self.choices = [tuple(values) for values in choices.values()]
        self._index = [{tag(v): i for i, v in enumerate(values)} for values in self.choices]

    def codes(self, arch: Architecture) -> tuple[int, ...]:
        """The index of each decision's value in ``arch`` (-1 where the decision is absent or unknown)."""
        values = dict(arch.decisions)
        return tuple(self._index[d].get(tag(values[name]), -1) if name in values else -1
                     for d, name in enumerate(self.names))

    def make(self, values: Sequence[Scalar]) -> Architecture | None:
        """The member with one value per decision (in ``names`` order), None when it is not a member. In a declared
        space the values of decisions whose condition does not hold are dropped."""
        if isinstance(self.space, Space):
            return self.space.from_values(dict(zip(self.names, values, strict=True)))
        assert isinstance(self.space, CategoricalSpace)
        return self.space.make(values) if self.space._is_member(tuple(values)) else None
