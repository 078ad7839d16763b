"""The relational schema (SQLAlchemy Core) of the database storage."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 3  # 2: trials.budget (the fidelity a trial was evaluated at); 3: trials.owner, heartbeat_at

metadata = MetaData()

meta_table = Table(
    "nasforge_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

studies_table = Table(
    "nasforge_studies",
    metadata,
    Column("study_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(512), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("spec", Text, nullable=False),  # JSON: space, strategy, evaluator, objectives, budget
)

trials_table = Table(
    "nasforge_trials",
    metadata,
    Column("trial_id", Integer, primary_key=True, autoincrement=True),
    Column("study_id", Integer, ForeignKey("nasforge_studies.study_id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("arch", Text, nullable=False),  # Architecture JSON
    Column("arch_key", Text, nullable=False),  # canonical key
    Column("metrics", Text, nullable=False),  # JSON object of every reported metric
    Column("intermediate", Text, nullable=False),  # JSON: step -> values
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("fail_reason", Text, nullable=True),
    Column("retry_of", Integer, nullable=True),
    Column("budget", Float, nullable=True),  # fidelity (epochs) asked by a multi-fidelity strategy
    Column("owner", String(256), nullable=True),  # host:pid:token of the process running the trial
    Column("heartbeat_at", DateTime(timezone=True), nullable=True),  # that process's last sign of life
    UniqueConstraint("study_id", "number", name="uq_trial_number"),
    Index("ix_trials_study_state", "study_id", "state"),
    Index("ix_trials_study_key", "study_id", "arch_key"),
)

# Columns added after version 1, by the version that added them (an older database is upgraded in place).
ADDED_COLUMNS = {2: [("budget", "FLOAT")], 3: [("owner", "VARCHAR(256)"), ("heartbeat_at", "TIMESTAMP")]}
