// Precompiled header of the unit tests.
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/outcome/basic_result.hpp>
#include <gtest/gtest.h>
