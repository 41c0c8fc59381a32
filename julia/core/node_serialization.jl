# Trees as compact records when they cross to Distributed worker processes and back.
#
# Why: every iteration with worker processes sends the populations out and gets them back with
# their reports. Julia's generic serializer writes each node as an object with a type tag and
# every field (about 62 bytes, and 2 us, per node), which made the round trip of 32 populations
# about 80 ms per iteration, a fifth of an iteration on 1,000 rows. A tree is written here in
# preorder, one kind byte and one payload per node. Trees are never shared between equations
# (see node.jl), so no node needs the serializer's back-references.

import Serialization

const LEAF_VARIABLE = 0x00
const LEAF_CONSTANT = 0x01
const UNARY_NODE = 0x02
const BINARY_NODE = 0x03

function Serialization.serialize(serializer::Serialization.AbstractSerializer, tree::Node{T}) where {T}
    Serialization.serialize_type(serializer, typeof(tree), false)
    write_preorder(serializer.io, tree)
    return nothing
end

Serialization.deserialize(serializer::Serialization.AbstractSerializer, ::Type{Node{T}}) where {T} =
    read_preorder(serializer.io, T)

function write_preorder(io::IO, node::Node)
    if node.degree == 0
        if node.is_constant
            write(io, LEAF_CONSTANT, node.value)
        else
            write(io, LEAF_VARIABLE, Int32(node.feature))
        end
    else
        write(io, node.degree == 1 ? UNARY_NODE : BINARY_NODE, Int32(node.operator))
        write_preorder(io, node.left)
        node.degree == 2 && write_preorder(io, node.right)
    end
    return nothing
end

function read_preorder(io::IO, ::Type{T}) where {T}
    kind = read(io, UInt8)
    kind == LEAF_CONSTANT && return constant_node(T, read(io, T))
    kind == LEAF_VARIABLE && return variable_node(T, read(io, Int32))
    operator = read(io, Int32)
    kind == UNARY_NODE && return unary_node(operator, read_preorder(io, T))
    kind == BINARY_NODE || error("corrupt tree record: kind byte $kind")
    left = read_preorder(io, T)
    return binary_node(operator, left, read_preorder(io, T))
end
