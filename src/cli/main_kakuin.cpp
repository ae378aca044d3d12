#include <cstdio>
int main() { std::puts("kakuin: not yet"); return 0; }
