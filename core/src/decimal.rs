//! Plain decimal numbers (`12`, `4.5`, `.5`, `0.25`) as people type them
//! and servers write them in `Server-Timing`, without `str::parse::<f64>`:
//! that parser is exact for every input, at the price of a 10 KB table of
//! powers of five that would be the largest single piece of data in the
//! widget's wasm (and gzip cannot shrink it). Up to 15 significant digits
//! the result is the same `f64` (the digits and the power of ten are both
//! exact, and one division rounds correctly); beyond that, the digits after
//! the 17th are dropped, an error below 1e-16 of the value.

/// A non-negative decimal: digits with at most one `.`, nothing else (no
/// sign, exponent, `inf` or `NaN`); `None` otherwise.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = || whole.bytes().chain(fraction.bytes());
    if whole.len() + fraction.len() == 0 || !digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut mantissa: u64 = 0;
    // Powers of ten still to apply: positive for dropped whole digits,
    // negative for kept fraction digits.
    let mut exponent: i32 = 0;
    for (i, b) in digits().enumerate() {
        let in_fraction = i >= whole.len();
        if mantissa < 10_000_000_000_000_000 {
            mantissa = mantissa * 10 + u64::from(b - b'0');
            if in_fraction {
                exponent -= 1;
            }
        } else if !in_fraction {
            exponent += 1;
        }
    }
    let value = mantissa as f64;
    Some(if exponent < 0 {
        value / 10f64.powi(-exponent)
    } else {
        value * 10f64.powi(exponent)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_decimals_read_and_anything_else_is_refused() {
        assert_eq!(parse_decimal("12"), Some(12.0));
        assert_eq!(parse_decimal("4.5"), Some(4.5));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("3."), Some(3.0));
        assert_eq!(parse_decimal("0.1"), Some(0.1));
        assert_eq!(parse_decimal("007.250"), Some(7.25));
        for bad in [
            "", ".", "-1", "+1", "1e3", "1.2.3", "inf", "NaN", " 1", "1,5", "١٢",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn long_inputs_stay_within_a_hair_of_the_exact_value() {
        let long = "123456789012345678901234.5";
        let exact: f64 = long.parse().unwrap();
        let read = parse_decimal(long).unwrap();
        assert!(((read - exact) / exact).abs() < 1e-15, "{read} vs {exact}");
        let small = "0.000000000000000000123456789012345678";
        let exact: f64 = small.parse().unwrap();
        let read = parse_decimal(small).unwrap();
        assert!(((read - exact) / exact).abs() < 1e-15, "{read} vs {exact}");
    }

    proptest! {
        /// Up to 15 significant digits, bit for bit what `str::parse` gives.
        #[test]
        fn up_to_15_digits_it_is_the_standard_parser(whole in 0u64..10_000_000, fraction in 0u64..100_000_000, places in 0usize..9) {
            let fraction = format!("{fraction:08}");
            let text = format!("{whole}.{}", &fraction[..places]);
            prop_assert_eq!(parse_decimal(&text), Some(text.parse::<f64>().unwrap()), "{}", text);
        }
    }
}
