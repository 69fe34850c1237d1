/** The gcsim command line (picocli). */
module gcsim.cli {
    requires static org.checkerframework.checker.qual;
    requires gcsim.gcmark;
    requires info.picocli;
}
