"""Training the four networks from scratch with NumPy: data, backpropagation, augmentation, reports."""
