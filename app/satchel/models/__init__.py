"""Qt models that adapt the services for views. QtCore and QtGui only, no widgets."""
