//! SimIFO driven over HTTP like a browser would: a real server on port 0, reqwest with a
//! small cookie jar, redirects followed by hand (so every hop's cookies are kept).

mod faults;
mod helpers;
mod storage;
mod v1;
mod v2;
