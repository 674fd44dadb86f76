// Compiles Asio (with SSL) and Beast once for the whole program: every file that includes them
// is built with BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION (set on
// orp_api), so their out-of-line code lives here instead of in each including file.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
