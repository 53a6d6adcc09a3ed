//! Estimators: elasticity, willingness-to-pay, Van Westendorp — pure functions over plain data.
