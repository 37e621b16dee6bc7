//! Connected chains.
