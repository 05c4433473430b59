//! Exit statuses as a type, and how the outcomes of parts of a run merge.

/// What the process reports to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// All went well.
    Success = 0,
    /// Something could not be read or counted, or the usage was wrong.
    Failure = 1,
    /// Stopped by a key, Ctrl-C or SIGTERM: 128 + SIGINT, as shells report.
    Interrupted = 130,
}

impl ExitStatus {
    /// The status of a run made of two parts: an interrupt outweighs a
    /// failure, which outweighs success.
    pub fn merge(self, other: ExitStatus) -> ExitStatus {
        self.max(other)
    }

    /// The number the process exits with.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::ExitStatus::*;

    #[test]
    fn interrupt_outweighs_failure_outweighs_success() {
        assert_eq!(Success.merge(Failure), Failure);
        assert_eq!(Failure.merge(Success), Failure);
        assert_eq!(Failure.merge(Interrupted), Interrupted);
        assert_eq!(Interrupted.merge(Success), Interrupted);
        assert_eq!(Success.merge(Success), Success);
    }
}
