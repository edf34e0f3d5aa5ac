//! Channels: adapters that feed the engine's inbox and take what it delivers. Each is
//! configuration, a way to poll or listen, and an [`crate::engine::Outlet`].

pub mod as2;
pub mod dir;
