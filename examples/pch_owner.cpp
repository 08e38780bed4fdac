// Owner of the examples' precompiled header (examples/CMakeLists.txt): nothing else to compile.
