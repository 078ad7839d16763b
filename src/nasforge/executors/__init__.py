"""Where evaluations run: worker processes on this machine, or Ray tasks on a cluster."""

from nasforge.executors._base import Executor, Outcome, WorkResult, evaluate_safely
from nasforge.executors._factory import create_executor
from nasforge.executors._options import EXECUTORS, check_run_options
from nasforge.executors._process import ProcessExecutor, WorkerStartError
from nasforge.executors._ray import RayExecutor

__all__ = ["EXECUTORS", "Executor", "Outcome", "ProcessExecutor", "RayExecutor", "WorkResult", "WorkerStartError",
           "check_run_options", "create_executor", "evaluate_safely"]
