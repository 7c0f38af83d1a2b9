"""The check cells of the exercises: what is still wrong in the learner's own files, one hint per mistake.

One module per exercise; `checks` holds what they share.
"""

from workshop.exercises.ex02 import check_02
from workshop.exercises.ex03 import check_03
from workshop.exercises.ex04 import check_04
from workshop.exercises.ex05 import check_05
from workshop.exercises.ex06 import check_06

__all__ = ["check_02", "check_03", "check_04", "check_05", "check_06"]
