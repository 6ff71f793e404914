#include "core/status.h"
int main() { return 0; }
