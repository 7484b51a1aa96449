"""Recognition core: no Qt here (enforced by import-linter). Sources, landmarks, features,
labels, classifier, spotting and the recognizer that wires them together."""
