"""A cache-prefetch hint for numba code (LLVM's ``llvm.prefetch``).

Random-sequential activation visits agents in a random order, so on a million citizens
nearly every agent's data and neighbourhood is a cache miss. Asking the CPU to start
fetching the data of an agent a few places ahead in the order lets those misses overlap
with the work on the current agent. A prefetch never changes a result: it is a hint that
the CPU may ignore, and it does not fault on any address.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch(typingctx, arr, idx):
    """Hint that ``arr[idx]`` (1-d array, integer index) will be read soon."""
    if not isinstance(arr, types.Array) or not isinstance(idx, types.Integer):
        return None
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):
        aryty, _ = signature.args
        ary_val, ind = args
        ary = context.make_array(aryty)(context, builder, ary_val)
        ptr = cgutils.get_item_pointer(
            context, builder, aryty, ary, [ind], wraparound=False, boundscheck=False
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # read (0), high temporal locality (3), data cache (1)
        builder.call(
            fn,
            [
                builder.bitcast(ptr, i8p),
                ir.Constant(i32, 0),
                ir.Constant(i32, 3),
                ir.Constant(i32, 1),
            ],
        )
        return context.get_dummy_value()

    return sig, codegen
