//! What the widget knows without asking: the kind of connection the browser
//! reports and the last connection test. The tree's conditions
//! ([`RouteCondition`]) are answered here, for both of their uses: a speed
//! test's `routes` after a measurement, and a question's `known` answers
//! (so a person on Wi-Fi is not asked whether they are on Wi-Fi).

use crate::speed::{condition_holds, SpeedResult};
use crate::tree::{Question, RouteCondition, SpeedTest};

/// The connection as the browser reports it (`navigator.connection.type`,
/// which Chromium-based Android browsers have and WebKit does not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConnectionKind {
    /// The browser does not say.
    #[default]
    Unknown,
    /// Wi-Fi.
    Wifi,
    /// Mobile data.
    Cellular,
    /// Anything else it names (ethernet, bluetooth, none, other).
    Other,
}

impl ConnectionKind {
    /// Reads `navigator.connection.type` (absent: [`ConnectionKind::Unknown`]).
    pub fn from_browser_type(kind: Option<&str>) -> Self {
        match kind.map(str::to_ascii_lowercase).as_deref() {
            None | Some("" | "unknown") => Self::Unknown,
            Some("wifi") => Self::Wifi,
            Some("cellular") => Self::Cellular,
            Some(_) => Self::Other,
        }
    }
}

/// Everything a condition can be answered from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known<'a> {
    /// What the browser says about the connection.
    pub connection: ConnectionKind,
    /// The last finished connection test, if one ran.
    pub measured: Option<&'a SpeedResult>,
}

impl Known<'_> {
    /// Whether `condition` holds. A condition about the measurement is false
    /// until a test has run; one about the connection uses the browser's
    /// word, or the test's record of it.
    pub fn holds(&self, condition: RouteCondition) -> bool {
        match condition {
            RouteCondition::Cellular => {
                self.connection == ConnectionKind::Cellular
                    || self.measured.is_some_and(SpeedResult::is_cellular)
            }
            RouteCondition::Wifi => self.connection == ConnectionKind::Wifi,
            measured => self
                .measured
                .is_some_and(|result| condition_holds(measured, result)),
        }
    }
}

impl SpeedTest {
    /// The route a finished test takes: the first whose condition holds,
    /// or `None` for `next`.
    pub fn route_for(&self, known: &Known<'_>) -> Option<usize> {
        self.routes.iter().position(|route| known.holds(route.when))
    }
}

impl Question {
    /// The answer this question gets without asking, if a `known` entry holds.
    pub fn known_answer(&self, known: &Known<'_>) -> Option<usize> {
        self.known
            .iter()
            .find(|k| known.holds(k.when) && k.answer < self.answers.len())
            .map(|k| k.answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speed::TestEnd;

    #[test]
    fn the_browser_type_names_the_connection() {
        assert_eq!(
            ConnectionKind::from_browser_type(None),
            ConnectionKind::Unknown
        );
        assert_eq!(
            ConnectionKind::from_browser_type(Some("wifi")),
            ConnectionKind::Wifi
        );
        assert_eq!(
            ConnectionKind::from_browser_type(Some("cellular")),
            ConnectionKind::Cellular
        );
        assert_eq!(
            ConnectionKind::from_browser_type(Some("ethernet")),
            ConnectionKind::Other
        );
    }

    #[test]
    fn measurement_conditions_are_false_before_a_test() {
        let known = Known {
            connection: ConnectionKind::Wifi,
            measured: None,
        };
        assert!(known.holds(RouteCondition::Wifi));
        assert!(!known.holds(RouteCondition::Cellular));
        assert!(!known.holds(RouteCondition::Offline));
    }

    #[test]
    fn a_test_that_reached_nothing_is_offline_and_its_connection_counts() {
        let mut result = SpeedResult::new(TestEnd::Error, 0, 900.0);
        result.connection = Some("cellular 4g".to_owned());
        let known = Known {
            connection: ConnectionKind::Unknown,
            measured: Some(&result),
        };
        assert!(known.holds(RouteCondition::Offline));
        assert!(known.holds(RouteCondition::Cellular));
        assert!(!known.holds(RouteCondition::Wifi));
    }
}
