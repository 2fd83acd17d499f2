import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that an installed libdisni loads into a JVM, run by native-setup/install as a single source file:
 * {@code java [-cp disni.jar:slf4j-api.jar] -Djava.library.path=PREFIX/lib LibdisniCheck.java PREFIX/lib/libdisni.so}.
 * With the DiSNI jar on the class path, DiSNI itself loads the library (System.loadLibrary("disni")) and its
 * NativeDispatcher compares the JNI version and struct sizes with its own; without the jar, only System.load runs.
 * Exit 0 when it loads, 1 with the reason otherwise.
 */
public final class LibdisniCheck
{
    private static final String DISPATCHER = "com.ibm.disni.verbs.impl.NativeDispatcher";

    public static void main(final String[] args)
    {
        final Path library = Path.of(args[0]).toAbsolutePath();
        if (!Files.isRegularFile(library))
        {
            fail("no " + library);
        }
        try
        {
            final Class<?> dispatcher;
            try
            {
                dispatcher = Class.forName(DISPATCHER, false, LibdisniCheck.class.getClassLoader());
            }
            catch (final ClassNotFoundException e)
            {
                // One class loader only may load a JNI library: DiSNI's, when it is here, so only without it.
                System.load(library.toString());
                System.out.println("loaded " + library + " (DiSNI jar not found: JNI version not checked)");
                return;
            }
            final Constructor<?> constructor = dispatcher.getDeclaredConstructor();
            constructor.setAccessible(true);
            final Object instance = constructor.newInstance();
            final int found = (int) dispatcher.getMethod("_getVersion").invoke(instance);
            final Field expected = dispatcher.getDeclaredField("JVERBS_VERSION");
            expected.setAccessible(true);
            System.out.println("loaded " + library + " through DiSNI: JNI version " + found +
                ", DiSNI jar expects " + expected.getInt(null));
        }
        catch (final InvocationTargetException e)
        {
            fail(String.valueOf(e.getCause()));
        }
        catch (final ExceptionInInitializerError e)
        {
            fail(String.valueOf(e.getCause()));
        }
        catch (final ReflectiveOperationException | LinkageError e)
        {
            fail(String.valueOf(e));
        }
    }

    private static void fail(final String reason)
    {
        System.err.println("LibdisniCheck: " + reason);
        System.exit(1);
    }
}
