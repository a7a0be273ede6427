//! Everything one run measured, for the report and the chart.

use crate::competitors::{Built, Competitor};
use crate::equivalence;
use crate::figures::{apply::Installs, build::Builds, instructions::Shape, kernel::Costs};
use crate::mixes::Mix;
use crate::policies::Policy;

/// One policy's programs and what was measured of them without a kernel.
pub struct PolicyResults {
    pub policy: Policy,
    pub built: Vec<Built>,
    /// Competitors that could not build it, and why.
    pub failed: Vec<(Competitor, String)>,
    pub equivalence: equivalence::Report,
    pub shapes: Vec<(Competitor, Shape)>,
    /// Microseconds to compile our policy: optimised, unoptimised.
    pub expansion: (f64, Option<f64>),
}

impl PolicyResults {
    pub fn shape(&self, c: Competitor) -> Option<&Shape> {
        self.shapes.iter().find(|(k, _)| *k == c).map(|(_, s)| s)
    }
}

/// The whole run.
pub struct Results {
    pub policies: Vec<PolicyResults>,
    pub mixes: Vec<Mix>,
    pub kernel: Option<Costs>,
    pub apply: Option<Installs>,
    pub builds: Option<Result<Builds, String>>,
    /// Where and when it ran.
    pub machine: Vec<String>,
}
