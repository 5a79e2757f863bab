"""Classifier: category, capabilities, risk and integrity findings for every tool (rules + scikit-learn)."""
