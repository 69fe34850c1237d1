/**
 * End-to-end tests and the architecture gate. No main code: this module
 * exists to see every other module from above.
 */
module gcsim.integration {
    requires gcsim.base;
    requires gcsim.heap;
    requires gcsim.stacks;
    requires gcsim.goroutines;
    requires gcsim.gcmark;
    requires gcsim.process;
    requires gcsim.cli;
}
