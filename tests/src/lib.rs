pub mod c_constants;
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
pub mod kernel;
pub mod libseccomp;
pub mod systemd;
