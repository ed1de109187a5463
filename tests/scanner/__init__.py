"""Tests of the quick scan engine."""
