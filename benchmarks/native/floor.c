/*
 * The native floor of a call: attach a cached thread state, call add(20, 22), release the result, detach; the same
 * sequence the engine's heldCall makes, without Java. benchmarks/run.sh compiles it against the headers of the
 * bundled runtime (include/ in the cpython jar) and runs it against the extracted runtime.
 *
 *   floor <python-home> [iterations]
 *
 * Prints ns per call for the main interpreter and for an own-GIL sub-interpreter (the engine's default pools):
 * the best of 7 rounds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Defines add() in a fresh namespace of the attached interpreter; returns a new reference. */
static PyObject *define_add(void)
{
    PyObject *globals = PyDict_New();
    if (globals == NULL || PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) < 0) {
        return NULL;
    }
    PyObject *result = PyRun_String("def add(a, b):\n    return a + b\n", Py_file_input, globals, globals);
    if (result == NULL) {
        return NULL;
    }
    Py_DECREF(result);
    PyObject *add = PyDict_GetItemString(globals, "add");
    Py_XINCREF(add);
    Py_DECREF(globals);
    return add;
}

/* Called with tstate attached; returns detached. */
static double measure(PyThreadState *tstate, PyObject *add, long iterations)
{
    PyObject *args[2] = { PyLong_FromLong(20), PyLong_FromLong(22) };
    double best = 1e30;
    PyEval_SaveThread();
    for (int round = 0; round < 7; round++) {
        double start = now_ns();
        for (long i = 0; i < iterations; i++) {
            PyEval_RestoreThread(tstate);
            PyObject *sum = PyObject_Vectorcall(add, args, 2, NULL);
            if (sum == NULL) {
                PyErr_Print();
                exit(1);
            }
            Py_DECREF(sum);
            PyEval_SaveThread();
        }
        double elapsed = (now_ns() - start) / iterations;
        if (elapsed < best) {
            best = elapsed;
        }
    }
    PyEval_RestoreThread(tstate);
    Py_DECREF(args[0]);
    Py_DECREF(args[1]);
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <python-home> [iterations]\n", argv[0]);
        return 2;
    }
    long iterations = (argc > 2) ? atol(argv[2]) : 1000000;

    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    PyStatus status = PyConfig_SetBytesString(&config, &config.home, argv[1]);
    if (!PyStatus_Exception(status)) {
        status = PyConfig_SetBytesString(&config, &config.program_name, "floor");
    }
    if (!PyStatus_Exception(status)) {
        status = Py_InitializeFromConfig(&config);
    }
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }

    PyThreadState *main_state = PyThreadState_Get();
    PyObject *add = define_add();
    if (add == NULL) {
        PyErr_Print();
        return 1;
    }
    double main_ns = measure(main_state, add, iterations);
    Py_DECREF(add);

    PyInterpreterConfig own_gil = {
        .use_main_obmalloc = 0, .allow_fork = 0, .allow_exec = 0, .allow_threads = 1,
        .allow_daemon_threads = 0, .check_multi_interp_extensions = 1, .gil = PyInterpreterConfig_OWN_GIL,
    };
    PyThreadState *sub_state = NULL;
    status = Py_NewInterpreterFromConfig(&sub_state, &own_gil);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }
    add = define_add();
    if (add == NULL) {
        PyErr_Print();
        return 1;
    }
    double sub_ns = measure(sub_state, add, iterations);
    Py_DECREF(add);
    Py_EndInterpreter(sub_state);
    PyThreadState_Swap(main_state);

    printf("C floor (attach + add(20, 22) + detach, cached thread state, best of 7 x %ld): "
           "main interpreter %.1f ns/call, own-GIL sub-interpreter %.1f ns/call\n", iterations, main_ns, sub_ns);
    return Py_FinalizeEx() < 0 ? 1 : 0;
}
