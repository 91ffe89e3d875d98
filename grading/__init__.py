"""Instructor grading: hidden tests per checked exercise and the ``make grade`` runner. Not shipped to students."""
