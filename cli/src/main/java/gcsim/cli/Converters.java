package gcsim.cli;

import gcsim.gcmark.GcConfig;
import gcsim.goroutines.PreemptMode;
import gcsim.goroutines.SuspendWait;
import java.util.EnumSet;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters with gcsim's messages. A failed conversion reads, after
 * the option name {@link Main} puts in front, "--procs must be an integer,
 * got 'x'" or "--mode must be concurrent or stw, got 'fast'".
 */
final class Converters {
    private Converters() {}

    /** Registers the converters on {@code cl} and its subcommands (call after adding them). */
    static void register(CommandLine cl) {
        ITypeConverter<Integer> ints = Converters::parseInt;
        ITypeConverter<Long> longs = Converters::parseLong;
        cl.registerConverter(Integer.class, ints);
        cl.registerConverter(Integer.TYPE, ints);
        cl.registerConverter(Long.class, longs);
        cl.registerConverter(Long.TYPE, longs);
        cl.registerConverter(GcConfig.Mode.class, v -> parseEnum(GcConfig.Mode.class, v));
        cl.registerConverter(PreemptMode.class, v -> parseEnum(PreemptMode.class, v));
        cl.registerConverter(SuspendWait.class, v -> parseEnum(SuspendWait.class, v));
        cl.registerConverter(GcConfig.StackScanStrategy.class, Converters::parseStackScan);
        cl.registerConverter(RunCommand.OnOff.class, v -> parseEnum(RunCommand.OnOff.class, v));
    }

    static Integer parseInt(String value) {
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(isInteger(value)
                    ? "is out of range, got '" + value + "' (--help gives its range)"
                    : "must be an integer, got '" + value + "'");
        }
    }

    static Long parseLong(String value) {
        try {
            return Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(isInteger(value)
                    ? "is out of range for a 64-bit integer, got '" + value + "'"
                    : "must be a 64-bit integer, got '" + value + "'");
        }
    }

    /** Whether {@code value} is written as an integer (so a failed parse means too many digits). */
    private static boolean isInteger(String value) {
        return value.trim().matches("[+-]?\\d+");
    }

    /** "blocking" or "two-phase" (the enum constant is TWO_PHASE). */
    static GcConfig.StackScanStrategy parseStackScan(String value) {
        for (GcConfig.StackScanStrategy s : GcConfig.StackScanStrategy.values()) {
            if (s.text().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw new TypeConversionException("must be blocking or two-phase, got '" + value + "'");
    }

    /** The constant whose lower-case name is {@code value} (case-insensitive). */
    static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
        EnumSet<E> constants = EnumSet.allOf(type);
        for (E e : constants) {
            if (e.name().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        StringBuilder expected = new StringBuilder();
        int i = 0;
        for (E e : constants) {
            expected.append(i == 0 ? "" : i == constants.size() - 1 ? " or " : ", ")
                    .append(e.name().toLowerCase(Locale.ROOT));
            i++;
        }
        throw new TypeConversionException("must be " + expected + ", got '" + value + "'");
    }
}
