//! PLACEHOLDER until the generator writes this file.
pub fn name_of(_errno: u16) -> Option<&'static str> {
    None
}
