"""The statements of the search loop's storage calls, built once.

Building a SQLAlchemy statement and its cache key costs more than running it on SQLite; these are built at import
with bound parameters, so each call of the loop only binds values. Every one is served by an index (see the notes).
"""

from __future__ import annotations

import sqlalchemy as sa

from nasforge.storages._schema import studies_table, trials_table
from nasforge.trial import INTERRUPTED, TrialState

_t = trials_table.c
_LIVE = [TrialState.RUNNING.value, TrialState.COMPLETE.value]

# PostgreSQL: holds the study's row until the transaction ends, so that trials are created one at a time per study.
LOCK_STUDY = (sa.select(studies_table.c.study_id).where(studies_table.c.study_id == sa.bindparam("study_id"))
              .with_for_update())

# The next trial number, through the (study_id, number) unique index. Numbers have no gap: it is also the count.
NEXT_NUMBER = (sa.select(sa.func.coalesce(sa.func.max(_t.number), -1) + 1)
               .where(_t.study_id == sa.bindparam("study_id")).scalar_subquery())

# Interrupted trials (FAIL with the INTERRUPTED reason): through the (study_id, state) index, which visits the
# study's FAIL rows only. The running and counted trials (a shared trial budget) are NEXT_NUMBER minus these.
N_INTERRUPTED = (sa.select(sa.func.count())
                 .where(_t.study_id == sa.bindparam("study_id"), _t.state == TrialState.FAIL.value,
                        sa.func.substr(_t.fail_reason, 1, len(INTERRUPTED)) == INTERRUPTED).scalar_subquery())

NUMBER = sa.select(NEXT_NUMBER)
NUMBER_AND_INTERRUPTED = sa.select(NEXT_NUMBER, N_INTERRUPTED)


def _same(budget: sa.ColumnElement[bool]) -> sa.Select[tuple[object, ...]]:
    return (sa.select(trials_table)
            .where(_t.study_id == sa.bindparam("study_id"), _t.arch_key == sa.bindparam("arch_key"), budget,
                   _t.state.in_(_LIVE))
            .order_by(_t.number).limit(1))


# The earliest RUNNING or COMPLETE trial of an architecture at a budget: through the (study_id, arch_key) index.
SAME_AT_BUDGET = _same(_t.budget == sa.bindparam("budget"))
SAME_WITHOUT_BUDGET = _same(_t.budget.is_(None))

INSERT_TRIAL = trials_table.insert()

# Trials added since an id: a range of the primary key (what was added since, over every study), never the whole
# study. 'study_id + 0' keeps the planner off the (study_id, ...) indexes, whose use would visit every trial of it.
NEWER = sa.select(trials_table).where(_t.trial_id > sa.bindparam("after"),
                                      _t.study_id + 0 == sa.bindparam("study_id"))
BY_IDS = sa.select(trials_table).where(_t.trial_id.in_(sa.bindparam("ids", expanding=True)),
                                       _t.study_id == sa.bindparam("study_id"))

# Finishing a trial: only a RUNNING one changes (a finished trial never does).
FINISH = (trials_table.update()
          .where(_t.trial_id == sa.bindparam("finished_id"), _t.state == TrialState.RUNNING.value)
          .values(state=sa.bindparam("new_state"), metrics=sa.bindparam("new_metrics"),
                  fail_reason=sa.bindparam("new_reason"), finished_at=sa.bindparam("new_finished")))
FINISH_RETURNING = FINISH.returning(*trials_table.c)
