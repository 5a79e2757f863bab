"""Classifier: category, capabilities, risk and integrity findings for every tool (rules + scikit-learn)."""

from classifier.api import CLASSIFIER_VERSION, classify_catalog, classify_tools

__all__ = ["CLASSIFIER_VERSION", "classify_catalog", "classify_tools"]
