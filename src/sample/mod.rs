//! The sample data generator with planted ground truth.
