"""Helpers for the Twelve-Factor Django workshop's notebooks: working copies, commands, processes."""

from workshop.checkpoints import checkpoint, start
from workshop.processes import free_port, http_get, page_text
from workshop.project import Project

__all__ = ["Project", "checkpoint", "free_port", "http_get", "page_text", "start"]
