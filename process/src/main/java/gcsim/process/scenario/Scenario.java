package gcsim.process.scenario;

import gcsim.goroutines.mutator.Program;

/**
 * A parsed scenario file, ready to run ({@link ScenarioParser#parse}). Immutable.
 *
 * @param file        the name errors and reports use (a path, or the built-in name)
 * @param program     the checked mutator program; its entry spawns the scenario's goroutines
 * @param autoTrigger whether cycles start when the heap reaches its goal ({@code gc autotrigger})
 * @param spawned     goroutines the entry function starts (after scaling by {@code --goroutines})
 */
public record Scenario(String file, Program program, boolean autoTrigger, int spawned) {}
